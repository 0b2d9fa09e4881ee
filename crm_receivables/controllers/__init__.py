from . import pbx, selfservice, telephony
