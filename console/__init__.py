"""The agent console: support agents work the cases the assistant handed over.

A sanic app (`python -m console`, started by `make run`) over the core's ticket and agent
stores (daozhang.tickets, daozhang.agents) and the containment figures Rasa's event broker
feeds (daozhang.containment): server-rendered pages for agents, and the JSON API under /api
that `console/openapi.yml` describes.
"""
