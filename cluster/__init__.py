"""Scale-out on one machine: nginx in front of Rasa replicas and action servers."""
