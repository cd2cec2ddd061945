// What moving bytes over loopback TCP costs without TLS: the server thread's CPU per MiB sent
// or received in 64 KiB write()/read() calls (kernel copy, segmentation, loopback delivery, ACKs),
// server on cpu0 and client on cpu1 in one process. The kernel part of the bulk rows' floor in
// docs/performance.md.   cc -O2 -o /tmp/tcp-floor scripts/tcp-floor.c -lpthread && /tmp/tcp-floor send|recv [MiB]
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
static long long total; static int port; static int dir; // dir 0: server sends; 1: server receives
static void pin(int cpu){cpu_set_t s;CPU_ZERO(&s);CPU_SET(cpu,&s);pthread_setaffinity_np(pthread_self(),sizeof s,&s);}
static double cpu_now(){struct timespec t;clock_gettime(CLOCK_THREAD_CPUTIME_ID,&t);return t.tv_sec+t.tv_nsec/1e9;}
static void *client(void *a){pin(1);int fd=socket(AF_INET,SOCK_STREAM,0);struct sockaddr_in sa={.sin_family=AF_INET,.sin_port=htons(port),.sin_addr.s_addr=htonl(INADDR_LOOPBACK)};
 if(connect(fd,(void*)&sa,sizeof sa)){perror("connect");exit(1);} static char buf[65536]; long long n=0;
 if(dir==0){for(;;){ssize_t r=read(fd,buf,sizeof buf);if(r<=0)break;n+=r;}}else{while(n<total){ssize_t w=write(fd,buf,sizeof buf);if(w<=0)break;n+=w;}shutdown(fd,SHUT_WR);char c;read(fd,&c,1);}
 close(fd);return 0;}
int main(int argc,char**argv){dir=argc>1&&!strcmp(argv[1],"recv");long mib=argc>2?atol(argv[2]):4096;total=mib<<20;pin(0);
 int ls=socket(AF_INET,SOCK_STREAM,0);int one=1;setsockopt(ls,SOL_SOCKET,SO_REUSEADDR,&one,sizeof one);struct sockaddr_in sa={.sin_family=AF_INET,.sin_addr.s_addr=htonl(INADDR_LOOPBACK)};
 bind(ls,(void*)&sa,sizeof sa);socklen_t l=sizeof sa;getsockname(ls,(void*)&sa,&l);port=ntohs(sa.sin_port);listen(ls,1);pthread_t t;pthread_create(&t,0,client,0);
 int fd=accept(ls,0,0);setsockopt(fd,IPPROTO_TCP,TCP_NODELAY,&one,sizeof one);static char buf[65536];memset(buf,'x',sizeof buf);double c0=cpu_now();long long n=0;
 if(dir==0){while(n<total){ssize_t w=write(fd,buf,sizeof buf);if(w<=0)break;n+=w;}shutdown(fd,SHUT_WR);}else{for(;;){ssize_t r=read(fd,buf,sizeof buf);if(r<=0)break;n+=r;}}
 double c1=cpu_now();close(fd);pthread_join(t,0);printf("%s: %.0f MiB, server thread %.1f us CPU per MiB\n",dir?"server receives":"server sends",n/1048576.0,(c1-c0)*1e6/(n/1048576.0));return 0;}
