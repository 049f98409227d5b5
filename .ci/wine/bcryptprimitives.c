/*
 * bcryptprimitives.c: a stand-in for Windows' bcryptprimitives.dll, so
 * that the workspace's .exe files run under wine 8.0 (Debian 12's wine64).
 *
 * Why: Rust's standard library (1.78 and later) draws its random bytes,
 * for example HashMap's seeds, from ProcessPrng in bcryptprimitives.dll,
 * which every Windows 10 and 11 ships. Wine 8.0 has no such DLL, so the
 * loader refuses every Rust program before main. RtlGenRandom, which wine
 * does have (advapi32's SystemFunction036), fills a buffer the same way,
 * so this DLL exports ProcessPrng and forwards to it.
 *
 * Only for wine: a real Windows has the real DLL and never sees this one.
 * `.ci/windows` builds it with mingw and copies it into the wine prefix's
 * system32:
 *
 *   x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll \
 *       bcryptprimitives.c -ladvapi32
 */
#include <windows.h>

/* RtlGenRandom's real name; <ntsecapi.h> declares it only under a macro. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* Windows' documented signature: always succeeds, returns TRUE. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    /* SIZE_T is 64 bits and RtlGenRandom takes 32: feed it in pieces. */
    while (length > 0) {
        ULONG chunk = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
