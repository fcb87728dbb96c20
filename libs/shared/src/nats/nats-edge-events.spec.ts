import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import type { INestMicroservice } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../test/support/ports';
import { startNats, stopAll } from '../../../../test/support/processes';
import { silentLogger } from '../logging/logger';
import { EDGE_EVENTS, type EdgeReport } from '../routing/routing-bus';
import { connectNats } from './nats-connection';
import { createNatsEdgeEventPublisher, encodeNestEvent } from './nats-edge-events';

const received: EdgeReport[] = [];

@Controller()
class ReportsController {
  @EventPattern(EDGE_EVENTS.report)
  onReport(@Payload() report: EdgeReport): void {
    received.push(report);
  }
}

@Module({ controllers: [ReportsController] })
class ReportsModule {}

let microservice: INestMicroservice;
let nc: NatsConnection;

beforeAll(async () => {
  const nats = await startNats();
  microservice = await NestFactory.createMicroservice<MicroserviceOptions>(ReportsModule, {
    transport: Transport.NATS,
    options: { servers: [nats.url] },
    logger: false,
  });
  await microservice.listen();
  nc = await connectNats({ servers: nats.url, name: 'edge-test', logger: silentLogger() });
});

afterAll(async () => {
  await microservice?.close();
  await nc?.close();
  await stopAll();
});

describe('NATS edge event publisher', () => {
  it('is received by a NestJS @EventPattern handler over Transport.NATS', async () => {
    const publisher = createNatsEdgeEventPublisher({ nc, logger: silentLogger() });
    const report: EdgeReport = { edgeId: 'edge-1', revision: 7, reportedAt: 1_700_000_000_000, startedAt: 1_699_999_000_000, address: 'http://127.0.0.1:8080' };
    publisher.publish(EDGE_EVENTS.report, report);
    await publisher.close();
    await eventually(() => received.length === 1);
    expect(received[0]).toEqual(report);
  });

  it('encodes events as NestJS does: JSON {pattern, data}', () => {
    const report: EdgeReport = { edgeId: 'e', revision: 1, reportedAt: 2, startedAt: 3 };
    expect(JSON.parse(encodeNestEvent(EDGE_EVENTS.report, report))).toEqual({ pattern: 'cdn.edge.report', data: report });
  });

  it('never throws to the caller, even on a closed connection', async () => {
    const closedNc = await connectNats({ servers: nc.getServer(), name: 'closed', logger: silentLogger() });
    await closedNc.close();
    const publisher = createNatsEdgeEventPublisher({ nc: closedNc, logger: silentLogger() });
    expect(() => publisher.publish(EDGE_EVENTS.report, { edgeId: 'e', revision: 1, reportedAt: 2, startedAt: 3 })).not.toThrow();
    await expect(publisher.close()).resolves.toBeUndefined();
  });
});
