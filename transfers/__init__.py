"""Transfer-event domain logic: stable keys and the merge of mentions into events."""
