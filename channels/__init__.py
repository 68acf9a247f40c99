"""Custom Rasa input channels of 到账助手."""
