"""Loaded by every Python subprocess the tests start (PYTHONPATH): installs the network guard."""

import os
import sys

if os.environ.get("NEWSBOT_NETGUARD_LOG"):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import netguard

    netguard.install()
    sys.path.pop(0)
