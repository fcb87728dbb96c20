import { Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { readJsonBody } from '../http/read-json-body';
import { NodeDetail, NodeView, toNodeDetail, toNodeView } from './node-state';
import { NodesService } from './nodes.service';
import { parseHeartbeat, parseRegistration } from './registration';

/** The seed's node API, with the answers its scripts parse. */
@Controller()
export class NodesController {
  constructor(private readonly nodes: NodesService) {}

  @Post('register_node')
  @HttpCode(200)
  async register(@Req() req: IncomingMessage): Promise<{ status: string }> {
    await this.nodes.register(parseRegistration(await readJsonBody(req)));
    return { status: 'Node registered successfully' };
  }

  @Post('heartbeat/:id')
  @HttpCode(200)
  async heartbeat(@Param('id') id: string, @Req() req: IncomingMessage): Promise<{ status: string }> {
    this.nodes.get(id);
    await this.nodes.heartbeat(id, parseHeartbeat(await readJsonBody(req)));
    return { status: 'Heartbeat received' };
  }

  @Get('nodes')
  list(): { nodes: NodeView[] } {
    return { nodes: this.nodes.list().map(toNodeView) };
  }

  @Get('nodes/:id')
  get(@Param('id') id: string): NodeDetail {
    return toNodeDetail(this.nodes.get(id));
  }

  @Delete('nodes/:id')
  async deregister(@Param('id') id: string): Promise<{ status: string }> {
    await this.nodes.deregister(id);
    return { status: 'Node deregistered successfully' };
  }
}
