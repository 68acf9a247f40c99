"""Custom actions of 到账助手 (rasa-sdk), one module per concern."""
