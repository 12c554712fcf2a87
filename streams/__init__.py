"""seizurewatch: Vietnamese drug-seizure reports -> validated events -> per-province tables and alerts."""
__version__ = "0.1.0"
