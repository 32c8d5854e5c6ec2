"""`cardgate validate`: every problem in a workspace's documents, collected (`collect`)
from the documents, evidence and frameworks stages, and rendered (`report`)."""
