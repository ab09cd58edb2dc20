from chancery.corpus.apps import SignalledConfig


class OaiConfig(SignalledConfig):
    """OAI-PMH provider; remembers withdrawn records so harvesters learn of deletions."""

    name = "chancery.oai"
    label = "oai"
    default = True
    verbose_name = "OAI-PMH"
