// Placeholder until binary tests land (branch token).
