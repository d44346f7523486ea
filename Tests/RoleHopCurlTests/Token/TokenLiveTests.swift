// Placeholder until live token tests land (branch token).
