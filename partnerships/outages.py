"""What a service that is down raises, for the code that carries on without it.

Redis holds the API's throttle counts (the default cache) and is the Celery
broker. When it is down the cache raises redis-py's errors, and publishing a
task raises kombu's ``OperationalError`` once its retries are spent.
"""

from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

CACHE_ERRORS: tuple[type[Exception], ...] = (RedisError, OSError)
BROKER_ERRORS: tuple[type[Exception], ...] = (OperationalError, RedisError, OSError)
