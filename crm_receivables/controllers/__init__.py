from . import pbx, selfservice
from . import pbx, telephony
