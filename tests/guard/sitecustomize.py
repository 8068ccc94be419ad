# Loaded by every Python subprocess a test starts with this folder on PYTHONPATH.
import loopback_guard

loopback_guard.install()
