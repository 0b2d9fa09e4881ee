from . import pbx, telephony
