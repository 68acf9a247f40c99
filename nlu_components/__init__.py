"""Rasa NLU components of 到账助手: thin wrappers over the `daozhang` package."""
