"""Test harnesses: building repositories with real bash (``realbuild``) to check the simulation."""
