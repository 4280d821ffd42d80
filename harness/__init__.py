"""What the tests and the benchmarks share: starting the project's processes and waiting
until they answer (processes.py), the assistant's two servers (servers.py), the cluster of
`make run-cluster` (cluster.py), and a stand-in for Meta's Graph API with the patients of
the WhatsApp load (whatsapp/). Neither tests/ nor bench/ imports the other."""
