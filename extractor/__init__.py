"""kehoach: Vietnamese government plans (Kế hoạch) to structured records and back to drafts."""

__version__ = "0.1.0"
