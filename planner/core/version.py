"""The installed package's version (plan metadata records it)."""

from importlib.metadata import PackageNotFoundError, version

try:
    PACKAGE_VERSION = version("kp-review-planner")
except PackageNotFoundError:  # running from a source tree that is not installed
    PACKAGE_VERSION = "0.0.0"
