"""A gunicorn worker of ``chancery serve`` runs one search before its first reader's
(chancery/gunicorn_config.py, ``warm``): the first search of a process loads the URL
modules, the gazetteer, the templates and the index's searcher — about a second at
200,000 documents that the first reader of each worker used to wait for (bench/README.md,
"The new user's trial")."""

import pytest
from django.core.wsgi import get_wsgi_application

from chancery import gunicorn_config
from chancery.search import gazetteer

pytestmark = pytest.mark.engine


@pytest.mark.django_db(transaction=True)
def test_a_worker_searches_once_before_its_first_reader(demo):
    answered = []
    application = get_wsgi_application()

    def recording(environ, start_response):
        def start(status, headers, exc_info=None):
            answered.append((environ["PATH_INFO"], environ["QUERY_STRING"], status))
            return start_response(status, headers, exc_info)

        return application(environ, start)

    gazetteer.by_name.cache_clear()
    gunicorn_config.warm(recording)
    assert answered == [("/search/", "q=government", "200 OK")]
    # what the first reader's search would otherwise have loaded, loaded already
    assert gazetteer.by_name.cache_info().currsize == 1


def test_a_failed_warm_up_does_not_stop_the_worker(caplog):
    def broken(environ, start_response):
        raise RuntimeError("no database yet")

    gunicorn_config.warm(broken)  # no exception: the worker goes on to serve
    assert "worker warm-up failed" in caplog.text
