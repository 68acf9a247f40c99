"""Throwaway RSA keys for the wallet fakes and adapters, made at run time (no key is ever committed)."""
from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


@lru_cache(maxsize=None)
def key(name: str) -> rsa.RSAPrivateKey:
    """The key pair called `name`, the same one for the whole test session."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(name: str) -> str:
    return key(name).private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()).decode()


def public_pem(name: str) -> str:
    return key(name).public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def written(folder: Path, name: str, private: bool) -> str:
    """The path of a PEM file in `folder` holding key `name`'s private or public half."""
    path = folder / f"{name}.{'key' if private else 'pub'}.pem"
    path.write_text(private_pem(name) if private else public_pem(name), encoding="utf-8")
    return str(path)


def sign(name: str, text: str) -> str:
    """SHA256withRSA (PKCS#1 v1.5), base64: the signature both wallets use."""
    signature = key(name).sign(text.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def verifies(name: str, text: str, signature: str) -> bool:
    try:
        key(name).public_key().verify(base64.b64decode(signature), text.encode("utf-8"),
                                      padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True
