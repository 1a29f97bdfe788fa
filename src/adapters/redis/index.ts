// keyward/redis: Redis stores over ioredis.
export {};
