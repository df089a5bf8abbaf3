// Boost.JSON has no compiled library on Debian 12: its implementation is compiled here, once, in the core.
#include <boost/json/src.hpp>
