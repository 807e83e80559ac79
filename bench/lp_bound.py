"""Where the planner's LP bound is weak: the LP relaxation of the CP-SAT model, alone and with parts of a plan fixed.

    .venv/bin/python bench/lp_bound.py data/scenarios/kp-2018-h2 PLAN_FOLDER [--pairs]

The model (``planner.engine.model.ModelBuilder``) is exported to a linear programme: every variable at the hull
of its domain, an enforced linear constraint by a big-M on its enforcement literals (as CP-SAT linearizes it),
clauses and at-most-ones as their linear forms. GLOP solves it. Then the variables of the plan's complete
solution (``planner.engine.hints.complete_hint``) whose names start with a prefix are fixed, one group at a time,
to show which decisions carry the gap. ``--pairs`` also branches on each engagement pair's ``follows`` literals
(A then B, B then A, neither). ``--cp`` solves the CP-SAT model itself (the planner's 2-worker parameters) with
the same groups fixed, and with only the order of the engagements fixed (no credit for a pair against the plan's
order). ``--patterns N`` counts the maximal sets of chainable pairs (``follows``) that the start windows allow,
up to N. Research figures for docs/benchmarks.md; nothing here is used by the planner.
"""

from __future__ import annotations

import argparse
import sys
import time
from itertools import combinations
from pathlib import Path

from ortools.linear_solver import pywraplp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GROUPS = ("", "start", "separated", "follows", "start,follows,separated")
LITERAL_KINDS = ("bool_or", "bool_and", "at_most_one", "exactly_one", "linear")


def linear_relaxation(proto):
    """(solver, variables) of the LP relaxation of a CP-SAT model proto."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    bounds = [(list(v.domain)[0], list(v.domain)[-1]) for v in proto.variables]  # a negative index fails here
    xs = [lp.NumVar(lo, hi, v.name) for v, (lo, hi) in zip(proto.variables, bounds, strict=True)]

    def literal(index):
        return xs[index] if index >= 0 else 1 - xs[-index - 1]

    for ct in proto.constraints:
        kind = next((k for k in LITERAL_KINDS if getattr(ct, f"has_{k}")()), None)
        if kind is None:
            raise ValueError(f"constraint {ct.name!r} has a kind this export does not handle")
        off = sum(1 - literal(x) for x in ct.enforcement_literal)  # 0 when every enforcement literal holds
        if kind == "bool_or":
            lp.Add(sum(literal(x) for x in ct.bool_or.literals) + off >= 1)
        elif kind == "bool_and":
            for x in ct.bool_and.literals:
                lp.Add(literal(x) + off >= 1)
        elif kind == "at_most_one":
            lits = ct.at_most_one.literals
            lp.Add(sum(literal(x) for x in lits) <= 1 + len(lits) * off)
        elif kind == "exactly_one":
            lp.Add(sum(literal(x) for x in ct.exactly_one.literals) == 1)
        else:
            lin = ct.linear
            expr = sum(c * xs[i] for i, c in zip(lin.vars, lin.coeffs, strict=True))
            low = sum(min(c * bounds[i][0], c * bounds[i][1]) for i, c in zip(lin.vars, lin.coeffs, strict=True))
            high = sum(max(c * bounds[i][0], c * bounds[i][1]) for i, c in zip(lin.vars, lin.coeffs, strict=True))
            domain = list(lin.domain)
            lo, hi = domain[0], domain[-1]
            if hi < high:
                lp.Add(expr <= hi + (high - hi) * off)
            if lo > low:
                lp.Add(expr >= lo - (lo - low) * off)
    objective = proto.objective
    lp.Minimize(sum(c * xs[i] for i, c in zip(objective.vars, objective.coeffs, strict=True)) + objective.offset)
    return lp, xs


def cp_with_fixed(scenario, plan, fix) -> str:
    """Solve the CP-SAT model with ``fix(builder, hint)`` applied: status, objective, bound and wall seconds."""
    from ortools.sat.python import cp_model

    from planner.engine.hints import complete_hint
    from planner.engine.model import WEIGHT_SCALE, ModelBuilder
    from planner.engine.solve import settings_for, solver_parameters

    builder = ModelBuilder(scenario).build()
    complete_hint(builder, plan, settings_for(scenario, 10))
    proto = builder.model.proto
    hint = dict(zip(proto.solution_hint.vars, proto.solution_hint.values, strict=True))
    fix(builder, hint)
    solver = cp_model.CpSolver()
    solver_parameters(solver, settings_for(scenario, 120, False, 2))
    started = time.monotonic()
    status = solver.solve(builder.model)
    return (f"{solver.status_name(status)}, objective {solver.objective_value / WEIGHT_SCALE:,.2f}, bound "
            f"{solver.best_objective_bound / WEIGHT_SCALE:,.2f}, {time.monotonic() - started:.1f} s")


def fix_prefixes(*prefixes: str):
    def fix(builder, hint) -> None:
        for index, variable in enumerate(builder.model.proto.variables):
            if variable.name.startswith(tuple(f"{p}[" for p in prefixes)):
                builder.model.add(builder.model.get_int_var_from_proto_index(index) == hint[index])
    return fix


def fix_order(builder, hint) -> None:
    """Only the order: no chain credit for B after A where the plan starts B before A."""
    start = {e.id: hint[builder.vars.start[e.id].index] for e in builder.engagements}
    for (a, b), follows in builder.follows.items():
        if start[b] < start[a]:
            builder.model.add(follows == 0)


def maximal_patterns(scenario, limit: int) -> tuple[list[int], float]:
    """The sizes of up to ``limit`` maximal sets of chainable pairs that the start windows allow (each one the
    largest set not inside one found before, hence maximal), and the seconds it took."""
    from ortools.sat.python import cp_model

    from planner.engine.model import ModelBuilder

    builder = ModelBuilder(scenario).build()
    gap = scenario.rules.chain_max_gap_days
    days = {e.id: sorted({d for h in e.hosts for d in builder.allowed[(e.id, h)]}) for e in builder.engagements}
    duration = {e.id: e.duration_days for e in builder.engagements}
    pairs = sorted(builder.follows)
    found: list[frozenset] = []
    started = time.monotonic()
    while len(found) < limit:
        model = cp_model.CpModel()
        start = {k: model.new_int_var_from_domain(cp_model.Domain.from_values(v), k) for k, v in days.items()}
        chained = {p: model.new_bool_var(str(p)) for p in pairs}
        for (a, b), lit in chained.items():
            model.add(start[b] >= start[a] + duration[a]).only_enforce_if(lit)
            model.add(start[b] <= start[a] + duration[a] + gap).only_enforce_if(lit)
        for earlier in found:
            model.add(sum(chained[p] for p in pairs if p not in earlier) >= 1)
        model.maximize(sum(chained.values()))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 2
        if solver.solve(model) != cp_model.OPTIMAL:
            break
        found.append(frozenset(p for p in pairs if solver.value(chained[p])))
    return [len(f) for f in found], time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    from planner.engine.hints import complete_hint
    from planner.engine.model import WEIGHT_SCALE, ModelBuilder
    from planner.engine.solve import settings_for
    from planner.io.plan_files import load_plan
    from planner.io.scenario_files import load_scenario

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", type=Path)
    parser.add_argument("plan", type=Path, help="a plan of the scenario (ideally its proven optimum)")
    parser.add_argument("--pairs", action="store_true", help="branch on each pair's follows literals")
    parser.add_argument("--cp", action="store_true", help="CP-SAT with each group fixed, and with the order fixed")
    parser.add_argument("--patterns", type=int, metavar="N", help="count maximal chainable-pair sets, up to N")
    args = parser.parse_args(argv)
    scenario = load_scenario(args.scenario)
    plan = load_plan(args.plan)
    if args.patterns:
        sizes, seconds = maximal_patterns(scenario, args.patterns)
        print(f"{len(sizes)} maximal sets of chainable pairs (sizes {min(sizes, default=0)}–{max(sizes, default=0)})"
              f" in {seconds:.1f} s{'; stopped at the limit' if len(sizes) >= args.patterns else ''}")
        return 0
    if args.cp:
        for name, fix in (("nothing", fix_prefixes()), ("the start days", fix_prefixes("start")),
                          ("follows", fix_prefixes("follows")), ("separated and follows",
                                                                 fix_prefixes("separated", "follows")),
                          ("only the order of the engagements", fix_order)):
            print(f"CP-SAT, {name} fixed as in the plan: {cp_with_fixed(scenario, plan, fix)}", flush=True)
        return 0
    builder = ModelBuilder(scenario).build()
    if not complete_hint(builder, plan, settings_for(scenario, 10)):
        print(f"{args.plan}: the plan does not hold every rule of {args.scenario}; no complete solution to fix")
        return 1
    hint = dict(zip(builder.model.proto.solution_hint.vars, builder.model.proto.solution_hint.values, strict=True))
    lp, xs = linear_relaxation(builder.model.proto)
    objective = builder.model.proto.objective
    terms = sum(c * hint[i] for i, c in zip(objective.vars, objective.coeffs, strict=True))
    cost = (objective.offset + terms) / WEIGHT_SCALE
    print(f"the plan's objective in the model: {cost:,.2f}")

    def value() -> float:
        if lp.Solve() != pywraplp.Solver.OPTIMAL:
            return float("nan")
        return lp.Objective().Value() / WEIGHT_SCALE

    for group in GROUPS:
        prefixes = tuple(f"{p}[" for p in group.split(",") if p)
        fixed = [(i, x, x.lb(), x.ub()) for i, x in enumerate(xs) if prefixes and x.name().startswith(prefixes)]
        for i, x, _, _ in fixed:
            x.SetBounds(hint[i], hint[i])
        print(f"LP bound, {'nothing' if not group else group} fixed as in the plan: {value():,.2f}")
        for _, x, lo, hi in fixed:
            x.SetBounds(lo, hi)
    if args.pairs:
        follows = {x.name()[len("follows["):-1]: x for x in xs if x.name().startswith("follows[")}
        engagements = sorted({part for key in follows for part in key.split(",")})
        print("pair: LP with A then B | B then A | neither")
        for a, b in combinations(engagements, 2):
            ab, ba = follows.get(f"{a},{b}"), follows.get(f"{b},{a}")
            if ab is None or ba is None:
                continue
            values = []
            for fab, fba in ((1, 0), (0, 1), (0, 0)):
                ab.SetBounds(fab, fab)
                ba.SetBounds(fba, fba)
                values.append(f"{value():,.1f}")
            ab.SetBounds(0, 1)
            ba.SetBounds(0, 1)
            print(f"{a} / {b}: {' | '.join(values)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
