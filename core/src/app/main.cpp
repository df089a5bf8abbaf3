// The accurate executable: everything happens in app::run (core/src/app/app.cpp).
#include "app/app.hpp"

int main(int argc, char** argv) { return accurate::app::run(argc, argv); }
