#include <cstdio>
int main() { std::puts("accurate: not wired yet"); return 0; }
