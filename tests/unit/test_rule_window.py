"""RulePolicy given only as many last states as its longest rule keeps the same rules as Rasa given
them all, on the trained model's own rules."""
import json
import random
import tarfile

import pytest
from rasa.core.policies.rule_policy import RULE_SNIPPET_ACTION_NAME, RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_patches import rule_window
from tests.support.dialogue_events import turns
from tools.train import model_path


@pytest.fixture(scope="module")
def lookups():
    with tarfile.open(model_path()) as model:
        stored = model.extractfile("components/train_RulePolicy0/rule_policy.json")
        lookup = json.load(stored)["lookup"]
    return lookup[RULES], lookup[RULES_FOR_LOOP_UNHAPPY_PATH]


def test_the_longest_rule_is_counted_in_states(lookups):
    rules, _ = lookups
    assert rule_window.longest_rule(rules) == max(len(json.loads(key)) for key in rules) > 1
    assert rule_window.longest_rule({}) == 0


@pytest.mark.parametrize("seed", range(3))
def test_the_same_rules_are_possible_at_every_step_of_long_conversations(domain, lookups, seed):
    policy = RulePolicy.__new__(RulePolicy)  # what matching uses of a policy: its methods
    events, checked, longest = [], 0, 0
    for turn in turns(random.Random(seed)):
        events.extend(turn)
        states = DialogueStateTracker.from_events("m", events, domain.slots).past_states(domain)
        longest = max(longest, len(states))
        for lookup in lookups:
            assert rule_window._get_possible_keys(policy, lookup, states) == rule_window._RASAS(policy, lookup, states)
            checked += bool(rule_window._RASAS(policy, lookup, states))
    assert longest > 3 * rule_window.longest_rule(lookups[0]) and checked > 10


def test_the_same_rules_are_possible_after_any_run_of_the_rules_own_states(lookups):
    """Conversations pieced together from the states the rules are made of: many of them match a
    rule at its last states and not at its first, which the window must still see."""
    policy = RulePolicy.__new__(RulePolicy)
    pool = [state for lookup in lookups for key in lookup for state in json.loads(key)
            if RULE_SNIPPET_ACTION_NAME not in json.dumps(state)]
    rng = random.Random(7)
    told_apart = 0
    for _ in range(1500):
        states = [rng.choice(pool) for _ in range(rng.randint(2, 8))]
        for lookup in lookups:
            rasas = rule_window._RASAS(policy, lookup, states)
            assert rule_window._get_possible_keys(policy, lookup, states) == rasas
            told_apart += rasas != rule_window._RASAS(policy, lookup, states[1:])
    assert told_apart > 50  # often a rule was decided by a state that is not among the last ones
