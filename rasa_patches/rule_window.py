"""RulePolicy matches its rules against the conversation's states from the last one back, and a
rule never looks further back than its own length; but Rasa goes on over every earlier state of
the conversation, for every rule still possible (`RulePolicy._get_possible_keys`): 4.5 % of the
Rasa server's time over 40-turn conversations, growing with their length. Here it is given only
the last states, as many as the longest rule has: the rules it keeps are the same, since a rule
is applicable at any state further back than its length (`_is_rule_applicable`)."""
from __future__ import annotations

from typing import Any, Dict, List, Set, Text, Tuple

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.domain import State

_RASAS = RulePolicy._get_possible_keys
# id of a lookup: (the lookup, held so that its id is not given to another, its size, its longest rule)
_LONGEST: Dict[int, Tuple[Any, int, int]] = {}


def longest_rule(lookup: Dict[Text, Text]) -> int:
    """The number of states of the longest rule in a lookup. A loaded model's lookups do not change;
    training only removes rules from them, which can leave the figure too long, never too short."""
    held, size, longest = _LONGEST.get(id(lookup), (None, -1, 0))
    if held is not lookup or size != len(lookup):
        longest = max((len(RulePolicy._rule_key_to_state(key)) for key in lookup), default=0)
        _LONGEST[id(lookup)] = (lookup, len(lookup), longest)
    return longest


def _get_possible_keys(self: RulePolicy, lookup: Dict[Text, Text], states: List[State]) -> Set[Text]:
    return _RASAS(self, lookup, states[max(0, len(states) - longest_rule(lookup)):])


def install() -> None:
    RulePolicy._get_possible_keys = _get_possible_keys
