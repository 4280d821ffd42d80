"""The `context` section of patterns.yml as medspaCy ConText rules.

A context phrase listed both FORWARD and BACKWARD under one category becomes one
two-sided rule that keeps both reaches: medspaCy keeps only one of two modifiers that
match the same words, so two separate rules would silently lose one direction.
A block with `only_for` modifies only those labels (ConText's allowed types): "walking
fine" says the legs are well, not that the back pain is over.
"""

from typing import Any, Callable, Dict, FrozenSet, List, Optional, Tuple

from medspacy.context import ConTextRule
from spacy.tokens import Span

from redflags.dsl import compile_pattern


def _reach(forward: int, backward: int) -> Callable[[Span, Span, Span], bool]:
    """on_modifies test for a two-sided rule with a different reach on each side."""

    def within(target: Span, modifier: Span, _between: Span) -> bool:
        if target.end <= modifier.start:
            return modifier.start - target.end < backward
        return target.start - modifier.end < forward

    return within


def context_rules(
    specs: List[Dict[str, Any]], labels: Callable[[str], List[str]] = lambda name: [name]
) -> List[ConTextRule]:
    """ConText rules from the `context` section of patterns.yml (see the module doc);
    `labels` gives the target labels of a name in `only_for`."""
    found: Dict[str, Tuple[str, Dict[str, Optional[int]]]] = {}
    allowed: Dict[str, Optional[FrozenSet[str]]] = {}
    for spec in specs:
        direction = spec.get("direction", "BIDIRECTIONAL")
        only = spec.get("only_for")
        for pattern in spec["patterns"]:
            allowed[pattern] = (
                frozenset(label for name in only for label in labels(name)) if only else None
            )
            category, reach = found.setdefault(pattern, (spec["category"], {}))
            if category != spec["category"]:
                raise ValueError(
                    f"context pattern {pattern!r} is both {category} and "
                    f"{spec['category']}: only one of them would ever apply"
                )
            if direction in reach:
                raise ValueError(f"context pattern {pattern!r} is listed twice ({direction})")
            reach[direction] = spec.get("max_scope")
    rules = []
    for pattern, (category, reach) in found.items():
        compiled = compile_pattern(pattern)
        if {"FORWARD", "BACKWARD"} <= set(reach) and len(reach) == 2:
            forward, backward = reach["FORWARD"] or 10_000, reach["BACKWARD"] or 10_000
            rules.append(
                ConTextRule(
                    literal=pattern,
                    category=category,
                    pattern=compiled,
                    direction="BIDIRECTIONAL",
                    max_scope=max(forward, backward),
                    on_modifies=_reach(forward, backward),
                    allowed_types=allowed[pattern],
                )
            )
        elif len(reach) == 1:
            ((direction, max_scope),) = reach.items()
            rules.append(
                ConTextRule(
                    literal=pattern,
                    category=category,
                    pattern=compiled,
                    direction=direction,
                    max_scope=max_scope,
                    allowed_types=allowed[pattern],
                )
            )
        else:
            raise ValueError(f"context pattern {pattern!r}: directions {sorted(reach)} clash")
    return rules
