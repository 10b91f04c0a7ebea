"""Reporters: turn an ``AnalysisResult`` into text, JSON, SARIF or GitHub annotations."""
