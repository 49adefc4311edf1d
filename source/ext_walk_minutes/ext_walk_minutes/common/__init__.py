"""The bottom layer: what every command-line entry point shares (errors, argument parsing, the log root,
figure files). It imports nothing else of this package."""
