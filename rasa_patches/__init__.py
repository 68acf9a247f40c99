"""Changes to Rasa 3.6's own work in the Rasa server, each in its module with the figures that
justify it and a test that it gives what Rasa gives. `tools/rasa_quiet.py` installs them in every
Rasa server, training and `rasa test` it starts (both bots of `make bench`); the action server,
which runs rasa_sdk, does not load them."""
from __future__ import annotations


def install() -> None:
    from rasa_patches import (
        applied_events,
        endpoint_session,
        event_lookup,
        lent_tracker,
        rule_window,
        schema_check,
        states_cache,
        unchanged_slots,
    )

    endpoint_session.install()  # one session kept for the action server's calls, not one made per call
    schema_check.install()  # each action reply checked against a schema checked once, not every turn
    event_lookup.install()  # an event's class found by its name in a table, not by walking every class
    states_cache.install()  # a conversation's dialogue states worked out once a turn, not at every prediction
    rule_window.install()  # rules matched against as many last states as the longest rule has, not all
    unchanged_slots.install()  # an action's slot events that change nothing are not written
    lent_tracker.install()  # an action that only reads the tracker is lent it, not a replayed copy
    applied_events.install()  # the events a conversation keeps, each event's kind looked up by its class
