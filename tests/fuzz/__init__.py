"""The differential fuzzer: random repositories built with real bash against the engine."""
