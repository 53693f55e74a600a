"""A query tree compiled to closures over a reading: the boolean part of matching, evaluated only
for watches that a term hit made candidates."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from chalicelib.domain.query.ast import And, Filter, Near, Node, Not, Or, Term
from chalicelib.domain.query.printer import term_text, to_query
from chalicelib.domain.query.reading import Occurrence, Reading, Span, fold_name

Occurrences = dict[int, list[Occurrence]]
Check = Callable[[Occurrences, Reading], bool]
Places = Callable[[Occurrences], list[Occurrence]]


def compile_check(node: Node, atoms: dict[Term, int]) -> Check:
    if isinstance(node, Term):
        atom = atoms[node]
        return lambda occ, reading: atom in occ
    if isinstance(node, Not):
        inner = compile_check(node.operand, atoms)
        return lambda occ, reading: not inner(occ, reading)
    if isinstance(node, And | Or):
        parts = tuple(compile_check(n, atoms) for n in node.operands)
        if len(parts) == 2:
            a, b = parts
            if isinstance(node, And):
                return lambda occ, reading: a(occ, reading) and b(occ, reading)
            return lambda occ, reading: a(occ, reading) or b(occ, reading)
        if isinstance(node, And):
            return lambda occ, reading: all(p(occ, reading) for p in parts)
        return lambda occ, reading: any(p(occ, reading) for p in parts)
    if isinstance(node, Filter):
        return _filter(node)
    places = compile_places(node, atoms)
    return lambda occ, reading: bool(places(occ))


def _filter(node: Filter) -> Check:
    value = node.value
    if node.field == "lang":
        return lambda occ, reading: (
            (lang := reading.fact("lang")) == value or (lang.split("-")[0] == value)
        )
    if node.field == "source":
        return lambda occ, reading: reading.fact("source") == value
    if node.field == "site":
        dotted = "." + value
        return lambda occ, reading: (host := reading.fact("site")) == value or host.endswith(dotted)
    name = fold_name(value)
    handle = name.lstrip("@")
    return lambda occ, reading: (
        name == reading.fact("author") or handle == reading.fact("handle") != ""
    )


def compile_places(node: Node, atoms: dict[Term, int]) -> Places:
    """Where a NEAR side occurs in the text: a term, an OR of sides, or a nested NEAR."""
    if isinstance(node, Term):
        atom = atoms[node]
        return lambda occ: [o for o in occ.get(atom, ()) if o[0] != 2]
    if isinstance(node, Or):
        parts = tuple(compile_places(n, atoms) for n in node.operands)
        return lambda occ: [o for p in parts for o in p(occ)]
    assert isinstance(node, Near), "the parser allows only terms, OR and NEAR beside NEAR"
    left, right = compile_places(node.left, atoms), compile_places(node.right, atoms)
    distance, ordered = node.distance, node.ordered

    def near(occ: Occurrences) -> list[Occurrence]:
        lefts = left(occ)
        rights = right(occ) if lefts else []
        found: list[Occurrence] = []
        for lf, ls, le in lefts:
            for rf, rs, re_ in rights:
                if lf != rf:
                    continue
                if le <= rs:
                    gap = rs - le
                elif not ordered and re_ <= ls:
                    gap = ls - re_
                else:
                    continue
                if gap <= distance:
                    found.append((lf, min(ls, rs), max(le, re_)))
        return found

    return near


def terms_of(node: Node) -> Iterable[Term]:
    if isinstance(node, Term):
        yield node
    elif isinstance(node, Not):
        yield from terms_of(node.operand)
    elif isinstance(node, And | Or):
        for operand in node.operands:
            yield from terms_of(operand)
    elif isinstance(node, Near):
        yield from terms_of(node.left)
        yield from terms_of(node.right)


def positive_terms(node: Node, negated: bool = False) -> Iterable[Term]:
    """The terms that count for a match (not those under NOT), as the user wrote them."""
    if isinstance(node, Term):
        if not negated:
            yield node
    elif isinstance(node, Not):
        yield from positive_terms(node.operand, not negated)
    elif isinstance(node, And | Or):
        for operand in node.operands:
            yield from positive_terms(operand, negated)
    elif isinstance(node, Near):
        yield from positive_terms(node.left, negated)
        yield from positive_terms(node.right, negated)


def display(term: Term) -> str:
    """A matched term as reported: words and phrases as written, marks kept on the others."""
    return term.text if term.kind == "word" and not term.prefix else term_text(term)


def evidence(
    positive: tuple[tuple[int, str], ...], occ: Occurrences, reading: Reading
) -> tuple[tuple[str, ...], tuple[Span, ...]]:
    """The positive terms found, once each in the order they first appear, and every span."""
    found: list[tuple[Occurrence, str]] = []
    for atom, text in positive:
        places = occ.get(atom)
        if places:
            found.extend((o, text) for o in places)
    if len(found) == 1:
        where, text = found[0]
        return (text,), (reading.span(where, text),)
    found.sort()
    terms = tuple(dict.fromkeys(text for _, text in found))
    return terms, tuple(reading.span(o, text) for o, text in found)


def reasons(node: Node, atoms: dict[Term, int], occ: Occurrences, reading: Reading) -> str:
    """Why a query with some terms found still does not match, part by part."""
    parts = node.operands if isinstance(node, And) else (node,)
    out: list[str] = []
    for part in parts:
        if compile_check(part, atoms)(occ, reading):
            continue
        if isinstance(part, Not):
            out.append(f"excluded by {to_query(part)}")
        elif isinstance(part, Filter):
            fact = reading.fact(part.field)
            out.append(f"{to_query(part)} does not hold ({part.field}: {fact or 'unknown'})")
        elif isinstance(part, Term):
            out.append(f"{term_text(part)} does not appear")
        elif isinstance(part, Or):
            out.append(f"({to_query(part)}) does not hold")
        else:
            out.append(f"{to_query(part)} does not hold")
    return "; ".join(out)
