"""WeChat's servers, played by the tests: signed (and in safe mode encrypted) posts, replies read back.

Built with wechatpy's own signer and crypto, never with the code under test.
"""
import time
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlencode

import xmltodict
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

TOKEN, APP_ID, APP_SECRET = "daozhang-wechat-test", "wx5a1e4b0c0d0e0f00", "wechat-test-secret"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # a 43-character EncodingAESKey
ACCOUNT = "gh_daozhang_test"


def account_settings(api_url: str, passive_seconds: float = 2) -> dict:
    """The stack's environment for this test account, its API at `api_url`."""
    return {"WECHAT_TOKEN": TOKEN, "WECHAT_APP_ID": APP_ID, "WECHAT_APP_SECRET": APP_SECRET,
            "WECHAT_AES_KEY": AES_KEY, "WECHAT_API_BASE": api_url, "WECHAT_PASSIVE_SECONDS": str(passive_seconds)}


def follower():
    return f"o6_test{uuid.uuid4().hex[:20]}"


def signed(at=None, nonce=None, **query):
    """The query WeChat adds to every call: timestamp (now, or `at`), nonce and their signature."""
    timestamp, nonce = str(int(time.time() if at is None else at)), nonce or uuid.uuid4().hex[:10]
    signer = WeChatSigner()
    signer.add_data(TOKEN, timestamp, nonce)
    return {"signature": signer.signature, "timestamp": timestamp, "nonce": nonce, **query}


class WeChatServers:
    """Posts follower messages as WeChat does, and reads the replies as WeChat would."""

    def __init__(self, stack, fake_api):
        self.stack, self.api = stack, fake_api
        self.url = f"{stack.url}/webhooks/wechat/webhook"
        self.crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
        self.passive_replies = {}  # openid → passive replies received

    def message(self, openid, msg_type, msg_id=None, **fields):
        return xmltodict.unparse({"xml": {
            "ToUserName": ACCOUNT, "FromUserName": openid, "CreateTime": int(time.time()), "MsgType": msg_type,
            **fields, **({"MsgId": msg_id or uuid.uuid4().int % 10 ** 19} if msg_type != "event" else {})}})

    def post(self, xml, encrypted=False, query=None):
        """(HTTP status, the passive reply's text or None for `success`)."""
        query = signed() if query is None else query
        body = xml.encode("utf-8") if isinstance(xml, str) else xml
        if encrypted:
            envelope = xmltodict.parse(self.crypto.encrypt_message(xml, query["nonce"], query["timestamp"]))["xml"]
            query = {**query, "encrypt_type": "aes", "msg_signature": envelope["MsgSignature"]}
            body = xmltodict.unparse({"xml": {"ToUserName": ACCOUNT, "Encrypt": envelope["Encrypt"]}}).encode()
        request = urllib.request.Request(f"{self.url}?{urlencode(query)}", data=body,
                                         headers={"Content-Type": "text/xml"})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status, text = answer.status, answer.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, None
        if text == "success":
            return status, None
        if encrypted:
            reply_envelope = xmltodict.parse(text)["xml"]
            text = self.crypto.decrypt_message(text, reply_envelope["MsgSignature"], reply_envelope["TimeStamp"],
                                               reply_envelope["Nonce"])
        said = parse_message(text)
        assert said.type == "text" and said.source == ACCOUNT
        self.passive_replies.setdefault(said.target, []).append(said.content)
        return status, said.content

    def say(self, openid, text=None, encrypted=False, **fields):
        """The answer to one message, passive or through the customer-service API."""
        before = len(self.api.texts_to(openid))
        fields = fields or {"Content": text}
        status, passive = self.post(self.message(openid, fields.pop("MsgType", "text"), **fields), encrypted)
        assert status == 200
        return passive if passive is not None else self.api.wait_for_texts(openid, before + 1)[before]

    def answers(self, openid):
        """Every answer the follower got, passive or by the API."""
        return len(self.passive_replies.get(openid, [])) + len(self.api.texts_to(openid))

    def user_texts(self, openid):
        tracker = self.stack.tracker(openid, channel="wechat")
        return [e.get("text") for e in tracker.get("events") or [] if e.get("event") == "user"]
