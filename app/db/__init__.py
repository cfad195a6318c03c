"""Database layer: declarative base, engine and session factory, request session."""
