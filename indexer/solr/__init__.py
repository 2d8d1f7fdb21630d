"""timkiem on a SolrCloud collection (issue 26): timkiem analyses articles and queries
itself and Solr holds its pre-analysed terms (``schema``); ``client`` talks to the nodes,
``writer`` and ``search`` are the store behind the seam, ``cluster`` runs a local cluster for
trials and tests. What is done on Solr and what is not yet: docs/solr.md.
"""
