"""The domain: scenario and plan objects, problems in input, days and places. Imports nothing of the package."""
