"""Writing tools anywhere: the tray, the global hotkey, the selection of any app, the popup,
and Replace."""
