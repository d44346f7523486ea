// Placeholder so the RoleHopTUITests target has a source until the TUI tests land (added on branch token).
