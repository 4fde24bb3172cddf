"""The shared kernel: helpers every app may use. It imports no app."""
