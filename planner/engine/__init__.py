"""Solving: the CP-SAT model, solve, the greedy baseline, diagnosis and explanations, re-planning."""
