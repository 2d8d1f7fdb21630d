"""What the benchmark scripts share, one module a subject:

- ``data``: paths to the shared data folder, documents, queries, relevance judgements, folding
  for the peer engines, seeded query sets and subsets;
- ``indexes``: a timkiem index built once or reused by its manifest, sizes on disk;
- ``stats``: percentiles, medians, latency summaries, ratios, how a table shows them;
- ``timing``: timing queries in process, medians over runs, a peer engine's build;
- ``server``: starting ``timkiem serve`` on loopback and waiting for its first answer;
- ``clients``: concurrent HTTP and FTS5 clients for a load phase, one connection timing
  each query;
- ``processes``: this checkout's ``timkiem`` command; CPU time and memory of a process
  tree, sampled from /proc;
- ``report``: progress on stderr, the commit, the command that repeats a run and the JSON
  line that ends it;
- ``options``: command-line options several scripts take in the same words.
"""
