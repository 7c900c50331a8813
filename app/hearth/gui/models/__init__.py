"""Getting and managing models in the window: the library's jobs, the manager, the welcome flow."""
