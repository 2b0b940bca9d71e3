/*
 * banned.h - functions testpump never calls.
 *
 * Each of these either writes past a buffer it cannot see the end of, keeps
 * hidden global state, or has a safer neighbour that we use instead:
 * buf_addf() or xasprintf() for sprintf, xstrdup()/memcpy with a length for
 * strcpy and strcat, strtok_r for strtok, gmtime_r/localtime_r for their
 * static-buffer cousins.  Include this header last in every .c file, after
 * every system header, so the declarations it shadows are already seen.
 */
#ifndef TESTPUMP_BANNED_H
#define TESTPUMP_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gets
#define gets(x) BANNED(gets)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef ctime
#define ctime(t) BANNED(ctime)
#undef asctime
#define asctime(t) BANNED(asctime)
#undef atoi
#define atoi(s) BANNED(atoi)
#undef atol
#define atol(s) BANNED(atol)

#endif
