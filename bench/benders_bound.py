"""A Benders decomposition of the planner's model, to see whether it proves kp-2018-h2's optimum faster than
CP-SAT: a research figure for docs/benchmarks.md; nothing here is used by the planner.

    .venv/bin/python bench/benders_bound.py data/scenarios/kp-2018-h2 [--iterations 40] [--penalty 1e7]

The layout (start days, whether each engagement happens, its host, each pair's order and ``follows``, the
weekday and moved-day terms) is the master, a CP-SAT model of the rules that use only those variables, with a
Boolean per engagement and start day. The teams are the subproblem: the linear relaxation (GLOP) of every other
rule with the layout fixed, the same export as bench/lp_bound.py except that "a person's free start days" is
written with the start-day Booleans (linear in them, so that the bound sees it). The subproblem's value is convex
in the layout, so the reduced costs of the fixed layout columns give a cut that holds for every layout
(objective ≥ value + reduced costs × change), rounded down to integers for CP-SAT. Every row has a slack at
``--penalty`` per unit (in the model's scaled units), so that a layout whose teams cannot be staffed still gives
a cut. Each iteration: the master's optimum (a lower bound), the subproblem's cut, and CP-SAT with the layout
fixed for an upper bound.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LAYOUT = {"start", "scheduled", "separated", "first", "follows", "host", "weekday_miss", "moved"}
CUT_SCALE = 1000  # the master's cuts in thousandths of the model's (already scaled) units


def literals(ct) -> tuple[str, list[int]]:
    for kind in ("bool_or", "bool_and", "at_most_one", "exactly_one"):
        if getattr(ct, f"has_{kind}")():
            return kind, list(getattr(ct, kind).literals)
    if ct.has_linear():
        return "linear", list(ct.linear.vars)
    raise ValueError(f"constraint {ct.name!r} has a kind this export does not handle")


def values_of(flat: list[int]) -> list[int]:
    return [t for low, high in zip(flat[::2], flat[1::2], strict=True) for t in range(low, high + 1)]


class Decomposition:
    def __init__(self, proto, penalty: float):
        self.proto = proto
        self.prefix = [v.name.split("[")[0] for v in proto.variables]
        self.layout = [p in LAYOUT for p in self.prefix]
        self.domains = [list(v.domain) for v in proto.variables]
        self.bounds = [(d[0], d[-1]) for d in self.domains]
        self.starts = [i for i, p in enumerate(self.prefix) if p == "start"]
        self.days = {i: values_of(self.domains[i]) for i in self.starts}
        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        self.xs = [self.lp.NumVar(lo, hi, v.name) for v, (lo, hi) in zip(proto.variables, self.bounds, strict=True)]
        self.on_day = {(i, t): self.lp.NumVar(0, 1, f"on[{i},{t}]") for i in self.starts for t in self.days[i]}
        self.slacks = []
        self.master_constraints = []
        for ct in proto.constraints:
            self._add(ct)
        objective = proto.objective
        self.lp.Minimize(sum(c * self.xs[i] for i, c in zip(objective.vars, objective.coeffs, strict=True))
                         + objective.offset + penalty * sum(self.slacks))

    def _literal(self, index: int):
        return self.xs[index] if index >= 0 else 1 - self.xs[-index - 1]

    def _row(self, expr, sense: str, rhs: float) -> None:
        slack = self.lp.NumVar(0, self.lp.infinity(), "")
        self.slacks.append(slack)
        if sense == ">=":
            self.lp.Add(expr + slack >= rhs)
        elif sense == "<=":
            self.lp.Add(expr - slack <= rhs)
        else:
            other = self.lp.NumVar(0, self.lp.infinity(), "")
            self.slacks.append(other)
            self.lp.Add(expr + slack - other == rhs)

    def _add(self, ct) -> None:
        kind, lits = literals(ct)
        used = [x if x >= 0 else -x - 1 for x in [*lits, *ct.enforcement_literal]]
        if all(self.layout[i] for i in used):
            self.master_constraints.append(ct)
            return
        off = sum(1 - self._literal(x) for x in ct.enforcement_literal)  # 0 when every enforcement literal holds
        if kind == "linear" and all(self.prefix[i] == "start" for i in ct.linear.vars):
            # a person's free start days, enforced by the person's assignment: linear in the day Booleans
            (i,), (coeff,) = list(ct.linear.vars), list(ct.linear.coeffs)
            assert coeff == 1, ct
            free = set(values_of(list(ct.linear.domain)))
            self._row(off + sum(self.on_day[(i, t)] for t in self.days[i] if t in free), ">=", 1)
        elif kind == "bool_or":
            self._row(sum(self._literal(x) for x in lits) + off, ">=", 1)
        elif kind == "bool_and":
            for x in lits:
                self._row(self._literal(x) + off, ">=", 1)
        elif kind == "at_most_one":
            self._row(sum(self._literal(x) for x in lits) - len(lits) * off, "<=", 1)
        elif kind == "exactly_one":
            self._row(sum(self._literal(x) for x in lits), "==", 1)
        else:
            lin = ct.linear
            terms = list(zip(lin.vars, lin.coeffs, strict=True))
            expr = sum(c * self.xs[i] for i, c in terms)
            low = sum(min(c * self.bounds[i][0], c * self.bounds[i][1]) for i, c in terms)
            high = sum(max(c * self.bounds[i][0], c * self.bounds[i][1]) for i, c in terms)
            lo, hi = list(lin.domain)[0], list(lin.domain)[-1]
            if hi < high:
                self._row(expr - (high - hi) * off, "<=", hi)
            if lo > low:
                self._row(expr + (lo - low) * off, ">=", lo)

    def master(self, floor: float):
        model = cp_model.CpModel()
        var = {i: model.new_int_var_from_domain(cp_model.Domain.from_flat_intervals(self.domains[i]),
                                                self.proto.variables[i].name)
               for i in range(len(self.layout)) if self.layout[i]}

        def lit(x: int):
            return var[x] if x >= 0 else var[-x - 1].Not()

        for ct in self.master_constraints:
            kind, lits = literals(ct)
            if kind == "linear":
                made = model.add_linear_expression_in_domain(
                    sum(c * var[i] for i, c in zip(ct.linear.vars, ct.linear.coeffs, strict=True)),
                    cp_model.Domain.from_flat_intervals(list(ct.linear.domain)))
            else:
                made = getattr(model, f"add_{kind}")([lit(x) for x in lits])
            if ct.enforcement_literal:
                made.only_enforce_if([lit(x) for x in ct.enforcement_literal])
        on_day = {}
        for i in self.starts:
            for t in self.days[i]:
                on_day[(i, t)] = model.new_bool_var(f"on[{i},{t}]")
                model.add(var[i] == t).only_enforce_if(on_day[(i, t)])
            model.add_exactly_one(on_day[(i, t)] for t in self.days[i])
        theta = model.new_int_var(math.floor(floor * CUT_SCALE) - 1, 10**15, "objective")
        model.minimize(theta)
        columns = [(self.xs[i], var[i]) for i in var if self.prefix[i] != "start"]
        columns += [(self.on_day[key], on_day[key]) for key in on_day]
        return model, var, theta, columns


def main(argv: list[str] | None = None) -> int:
    from planner.engine.model import WEIGHT_SCALE, ModelBuilder
    from planner.engine.solve import settings_for, solver_parameters
    from planner.io.scenario_files import load_scenario

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--penalty", type=float, default=1e7, help="per unit of a row's slack (scaled units)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    scenario = load_scenario(args.scenario)
    proto = ModelBuilder(scenario).build().model.proto
    d = Decomposition(proto, args.penalty)
    if d.lp.Solve() != pywraplp.Solver.OPTIMAL:
        print("the subproblem's LP relaxation did not solve (raise or lower --penalty)")
        return 1
    root = d.lp.Objective().Value()
    model, var, theta, columns = d.master(root)
    print(f"set up in {time.monotonic() - started:.1f} s: {len(d.slacks)} subproblem slacks, "
          f"{len(d.master_constraints)} layout constraints, {len(d.on_day)} start-day Booleans; "
          f"root LP {root / WEIGHT_SCALE:,.2f}", flush=True)
    lower, upper = -math.inf, math.inf
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    for iteration in range(args.iterations):
        if solver.solve(model) != cp_model.OPTIMAL:
            print(f"the master ended {solver.status_name()}")
            break
        lower = solver.objective_value / CUT_SCALE
        layout = {col: solver.value(v) for col, v in columns}
        for col, value in layout.items():
            col.SetBounds(value, value)
        if d.lp.Solve() != pywraplp.Solver.OPTIMAL:
            print("the subproblem did not solve")
            break
        value = d.lp.Objective().Value()
        constant = value - sum(col.reduced_cost() * x for col, x in layout.items())
        terms = [(math.floor(col.reduced_cost() * CUT_SCALE), v) for col, v in columns
                 if abs(col.reduced_cost()) > 1e-9]
        # every column is 0 or more: rounding its coefficient down (and the constant) keeps the cut valid
        model.add(theta >= math.floor(constant * CUT_SCALE) - len(terms) + sum(c * v for c, v in terms))
        if value < upper:  # the teams for this layout, exactly: an upper bound
            fixed = ModelBuilder(scenario).build().model
            for i, v in var.items():
                fixed.add(fixed.get_int_var_from_proto_index(i) == solver.value(v))
            exact = cp_model.CpSolver()
            solver_parameters(exact, settings_for(scenario, 30, False, 2))
            if exact.solve(fixed) == cp_model.OPTIMAL:
                upper = min(upper, exact.objective_value)
        print(f"iteration {iteration}: lower bound {lower / WEIGHT_SCALE:,.2f}, this layout's LP "
              f"{value / WEIGHT_SCALE:,.2f}, best plan {upper / WEIGHT_SCALE:,.2f}, "
              f"{time.monotonic() - started:.1f} s", flush=True)
        if lower >= upper:
            break
    print(f"lower bound {lower / WEIGHT_SCALE:,.2f}, best plan {upper / WEIGHT_SCALE:,.2f}, "
          f"{time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
