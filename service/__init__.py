"""The domain of the yearly review: no Flask request or response anywhere in here."""
