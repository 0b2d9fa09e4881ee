from . import pbx, selfservice
