"""The desktop app (PySide6). All logic lives in hearth.core; this is presentation."""
