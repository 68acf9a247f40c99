"""What the tests stand on: a Redis of their own, a running stack, peers that talk like WeChat
and the web widget, a fake WeChat API, async stores as plain calls."""
